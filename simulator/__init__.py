"""The demo district simulator: writes the contract files a federation would load, plus ground truth.

Imports only the contract (`contract`). Entry point: `simulator.generate.generate(out_dir)`, or
`python -m subsidy generate --out DIR`.
"""
