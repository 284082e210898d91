"""The baseline of the publish path: a Flask app whose write endpoint answers at once, run
under the same gunicorn settings as the services (``'bench.bare_app:create_app()'``)."""
from flask import Flask, jsonify


def create_app():
    app = Flask(__name__)

    @app.post("/api/sales")
    def sale():
        return jsonify({"id": "bare"}), 201

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    return app
