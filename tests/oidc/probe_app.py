"""The smallest app that signs in with st.login() (tests/support/test_oidc_login.py runs it against the local
OIDC provider): a button that calls st.login(), then what st.user says about the signed-in account."""
import streamlit as st

st.title("OIDC probe")
if not st.user.is_logged_in:
    st.write("STATUS=signed-out")
    if st.button("Log in"):
        st.login()
else:
    st.write("STATUS=signed-in")
    st.text(f"EMAIL={st.user.email}")
    st.text(f"SUB={st.user.sub}")
    st.text(f"NAME={st.user.name}")
    st.text(f"USERNAME={st.user.get('preferred_username')}")
    st.text(f"ISSUER={st.user.get('iss')}")
    if st.button("Log out"):
        st.logout()
