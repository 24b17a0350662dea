"""The floor: a bare FastAPI endpoint, served by uvicorn beside the app in bench_web.py."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
def bare() -> dict[str, bool]:
    return {"ok": True}
