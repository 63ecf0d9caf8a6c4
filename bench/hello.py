"""The baseline: a minimal Flask app with one "hello" route."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
