"""The HTTP face of `codemill serve`: the FastAPI app, its request limits and metrics, the uvicorn server."""
