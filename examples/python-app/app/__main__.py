"""Entry point of the example service."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "hello from dlint's example\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
