"""A fake Hugging Face Hub on loopback: the endpoints ``huggingface_hub`` 2.x calls for a push.

Read from ``hf_api.py`` / ``_commit_api.py`` of the installed ``huggingface_hub``:

* ``GET  /api/whoami-v2``                                   whoami
* ``POST /api/repos/create``                                create_repo (409 + url if it exists)
* ``PUT  /api/{type}s/{ns}/{name}/settings``                update_repo_settings (visibility)
* ``GET  /api/{type}s/{ns}/{name}``                         repo_info / dataset_info
* ``POST /api/validate-yaml``                               README metadata check in create_commit
* ``POST /api/{type}s/{ns}/{name}/preupload/{revision}``    upload mode per file (always regular)
* ``POST /api/{type}s/{ns}/{name}/commit/{revision}``       NDJSON commit, base64 file contents

Answering "regular" in preupload keeps every upload inside the commit payload (no LFS, no Xet).
The fake records every request and the files of every commit, so tests can check what was sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

VALID_TOKEN = "hf_test-fake-key-123"
USER = "test-user"


@dataclass
class FakeRepo:
    repo_id: str
    repo_type: str
    private: bool
    files: dict[str, bytes] = field(default_factory=dict)
    commits: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakeHubState:
    """What the fake knows and what it was sent; tests read and arrange it."""

    base_url: str = ""
    tokens: set[str] = field(default_factory=lambda: {VALID_TOKEN})
    repos: dict[str, FakeRepo] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    fail_commit_status: int | None = None
    settings_updates: list[dict[str, Any]] = field(default_factory=list)

    def repo(self, repo_id: str) -> FakeRepo:
        return self.repos[repo_id]


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def build_app(state: FakeHubState) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def _record(request: Request, call_next: Any) -> Any:
        state.requests.append((request.method, request.url.path))
        state.authorizations.append(request.headers.get("authorization", ""))
        return await call_next(request)

    def authorised(request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token in state.tokens

    def unauthorised() -> JSONResponse:
        return _error(401, "Invalid credentials in Authorization header")

    @app.get("/api/whoami-v2")
    async def whoami(request: Request) -> Any:
        if not authorised(request):
            return unauthorised()
        return {"type": "user", "name": USER, "fullname": "Test User", "orgs": [], "auth": {}}

    @app.post("/api/repos/create")
    async def create_repo(request: Request) -> Any:
        if not authorised(request):
            return unauthorised()
        body = await request.json()
        repo_type = body.get("type") or "model"
        repo_id = f"{body.get('organization') or USER}/{body['name']}"
        prefix = "" if repo_type == "model" else f"{repo_type}s/"
        url = f"{state.base_url}/{prefix}{repo_id}"
        if repo_id in state.repos:
            return _error(409, "You already created this dataset repo", url=url)
        state.repos[repo_id] = FakeRepo(
            repo_id, repo_type, private=body.get("visibility") == "private"
        )
        return {"url": url, "name": repo_id, "id": hashlib.sha1(repo_id.encode()).hexdigest()}

    @app.put("/api/{repo_type}s/{namespace}/{name}/settings")
    async def settings(request: Request, repo_type: str, namespace: str, name: str) -> Any:
        if not authorised(request):
            return unauthorised()
        repo = state.repos.get(f"{namespace}/{name}")
        if repo is None:
            return _error(404, "Repository not found")
        body = await request.json()
        state.settings_updates.append(body)
        if "visibility" in body:
            repo.private = body["visibility"] == "private"
        return {}

    @app.get("/api/{repo_type}s/{namespace}/{name}")
    async def repo_info(request: Request, repo_type: str, namespace: str, name: str) -> Any:
        repo = state.repos.get(f"{namespace}/{name}")
        if repo is None or (repo.private and not authorised(request)):
            return JSONResponse(
                {"error": "Repository not found"},
                status_code=404,
                headers={"X-Error-Code": "RepoNotFound"},
            )
        sha = repo.commits[-1]["oid"] if repo.commits else "0" * 40
        return {
            "id": repo.repo_id,
            "author": namespace,
            "sha": sha,
            "private": repo.private,
            "siblings": [{"rfilename": p} for p in sorted(repo.files)],
        }

    @app.get("/api/{repo_type}s/{namespace}/{name}/tree/{revision}")
    @app.get("/api/{repo_type}s/{namespace}/{name}/tree/{revision}/{path:path}")
    async def tree(
        request: Request, repo_type: str, namespace: str, name: str, revision: str, path: str = ""
    ) -> Any:
        repo = state.repos.get(f"{namespace}/{name}")
        if repo is None or (repo.private and not authorised(request)):
            return _error(404, "Repository not found")
        prefix = f"{path.strip('/')}/" if path else ""
        return [
            {
                "type": "file",
                "path": p,
                "size": len(data),
                "oid": hashlib.sha1(data).hexdigest(),
            }
            for p, data in sorted(repo.files.items())
            if p.startswith(prefix)
        ]

    @app.post("/api/validate-yaml")
    async def validate_yaml(request: Request) -> Any:
        body = await request.json()
        content = body.get("content", "")
        try:
            _, front, _ = content.split("---", 2)
            yaml.safe_load(front)
        except (ValueError, yaml.YAMLError) as exc:
            return JSONResponse({"errors": [{"message": str(exc)}], "warnings": []}, 400)
        return {"errors": [], "warnings": []}

    @app.post("/api/{repo_type}s/{namespace}/{name}/preupload/{revision}")
    async def preupload(
        request: Request, repo_type: str, namespace: str, name: str, revision: str
    ) -> Any:
        if not authorised(request):
            return unauthorised()
        if f"{namespace}/{name}" not in state.repos:
            return _error(404, "Repository not found")
        body = await request.json()
        return {
            "files": [
                {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None}
                for f in body["files"]
            ]
        }

    @app.post("/api/{repo_type}s/{namespace}/{name}/commit/{revision}")
    async def commit(
        request: Request, repo_type: str, namespace: str, name: str, revision: str
    ) -> Any:
        if not authorised(request):
            return unauthorised()
        if state.fail_commit_status is not None:
            return _error(state.fail_commit_status, "Internal Error - We're working hard to fix it")
        repo = state.repos.get(f"{namespace}/{name}")
        if repo is None:
            return _error(404, "Repository not found")
        header: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        deleted: list[str] = []
        for line in (await request.body()).splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item["key"] == "header":
                header = item["value"]
            elif item["key"] == "file":
                value = item["value"]
                assert value["encoding"] == "base64"
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "deletedFile":
                deleted.append(item["value"]["path"])
            else:
                return _error(400, f"unsupported commit operation {item['key']!r} in fake hub")
        digest = hashlib.sha1()
        for path in sorted(files):
            digest.update(path.encode() + b"\0" + files[path])
        digest.update(str(len(repo.commits)).encode())
        oid = digest.hexdigest()
        for path in deleted:
            repo.files.pop(path, None)
        repo.files.update(files)
        repo.commits.append(
            {"oid": oid, "summary": header.get("summary"), "files": files, "deleted": deleted}
        )
        return {
            "success": True,
            "commitOid": oid,
            "commitUrl": f"{state.base_url}/{repo_type}s/{repo.repo_id}/commit/{oid}",
        }

    return app


@contextmanager
def run_fake_hub() -> Iterator[FakeHubState]:
    """Serve the fake on 127.0.0.1 on a free port for the duration of the block.

    The socket is bound and listening before the server thread starts, so requests made right
    away wait in the backlog instead of failing: no readiness polling needed.
    """
    state = FakeHubState()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    host, port = sock.getsockname()
    state.base_url = f"http://{host}:{port}"
    config = uvicorn.Config(
        build_app(state), log_level="warning", lifespan="off", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
