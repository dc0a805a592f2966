"""A Flask hello-world: the yardstick `make bench` serves beside the guide, under the same gunicorn settings."""

from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Say hello."""
    return "Hello, World!"


@app.post("/")
def echo() -> dict:
    """Read a JSON body and answer with a small JSON object."""
    return {"keys": len(request.get_json(silent=True) or {})}
