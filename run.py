"""Development server: ``python run.py`` (``make run`` does the rest)."""
import os

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=app.config["PORT"], debug=False)
