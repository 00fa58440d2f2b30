"""Parts of the Streamlit page (`app.py`): formatting helpers, the sidebar, the index panel."""
