"""Add a program from the skeleton every program follows, or take it away again:

    python -m deploy.new_program employment --en Employment --zh 就业扶贫 --port 8007
    python -m deploy.new_program employment --remove

Adding writes ``services/<name>/`` and ``shared/events/types/<name>.py`` from
``deploy/new_program/skeleton/`` (a minimal program: enrolment, one payment to a household and
its event, the API, a page) and declares the program where the system reads it: ``PROGRAMS``
(its topic, the registry's subscription, its households read model, the AsyncAPI document),
the event types' package, ``SERVICE_PORTS``, the Procfile and docker-compose.yml; then it
regenerates what is generated from those (docs/asyncapi.json, deploy/k8s/jingzhun.yaml).
Removing undoes exactly that. What stays for a person: the program's own rules and events, the
translations of its words and the link in the layout (docs/adding-a-program.md)."""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKELETON = Path(__file__).resolve().parent / "skeleton"
NAME = re.compile(r"^[a-z][a-z0-9]{2,30}$")


def _declarations(name: str, port: int) -> list[tuple[str, str, str]]:
    """(file, anchor, text inserted right before the anchor): each place a program is declared."""
    upper = name.upper()
    web = (f"env PROMETHEUS_MULTIPROC_DIR=$JINGZHUN_RUN/prom/{name} gunicorn -c deploy/gunicorn.conf.py "
           f"--bind $HOST:${upper}_PORT 'services.{name}.app:create_app()'")
    procfile = {name: web, f"{name}-relay": f"python -m shared.relay {name}",
                f"{name}-households": f"python -m shared.programs.readmodel {name}"}
    compose = "".join(
        f"  {process}:\n    <<: *jingzhun\n    command: sh -c \"{command.replace('$', '$$')}\"\n"
        + (f"    ports: [\"127.0.0.1:{port}:{port}\"]\n" if process == name else "") + "\n"
        for process, command in procfile.items())
    return [
        ("shared/events/topics.py", ")  # PROGRAMS", f', "{name}"'),
        ("shared/events/types/__init__.py", "  # noqa: F401 (PROGRAMS)", f", {name}"),
        ("shared/config.py", "}  # SERVICE_PORTS", f'    "{name}": {port},\n'),
        ("Procfile", "", "".join(f"{process}: {command}\n" for process, command in procfile.items())),
        ("docker-compose.yml", "    # PROGRAM PORTS", f'    {upper}_PORT: "{port}"\n    {upper}_URL: http://localhost:{port}\n'),
        ("docker-compose.yml", "volumes:\n", compose),
    ]


def _render(text: str, name: str, en: str, zh: str, port: int) -> str:
    for placeholder, value in (("__Program__", name.title()), ("__PROGRAM__", name.upper()), ("__program__", name),
                               ("__name_en__", en), ("__name_zh__", zh), ("__port__", str(port))):
        text = text.replace(placeholder, value)
    return text


def _files(name: str) -> list[tuple[Path, Path]]:
    """(skeleton file, where it goes) for every file of the skeleton."""
    return [(source, ROOT / str(source.relative_to(SKELETON)).replace("__program__", name).removesuffix(".tmpl"))
            for source in sorted(SKELETON.rglob("*.tmpl"))]


def add(name: str, en: str, zh: str, port: int) -> list[Path]:
    from shared.config import SERVICE_PORTS
    from shared.events.topics import PROGRAMS
    if not NAME.match(name):
        raise SystemExit(f"{name!r}: a program's name is 3 to 31 lower-case letters or digits, starting with a letter")
    if name in PROGRAMS or name in SERVICE_PORTS or (ROOT / "services" / name).exists():
        raise SystemExit(f"{name!r} is already a program or a service")
    if port in SERVICE_PORTS.values():
        raise SystemExit(f"port {port} is taken by another service")
    written = []
    for source, target in _files(name):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_render(source.read_text(encoding="utf-8"), name, en, zh, port), encoding="utf-8")
        written.append(target)
    for file, anchor, text in _declarations(name, port):
        path = ROOT / file
        content = path.read_text(encoding="utf-8")
        if anchor and anchor not in content:
            raise SystemExit(f"{file}: the line the generator adds to ({anchor.strip()!r}) is missing")
        at = content.index(anchor) if anchor else len(content)
        path.write_text(content[:at] + text + content[at:], encoding="utf-8")
    _regenerate()
    return written


def _regenerate() -> None:
    """The documents made from the declarations, in a fresh interpreter (this one imported
    them before they changed)."""
    asyncapi = subprocess.run([sys.executable, "-m", "shared.events.asyncapi"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    (ROOT / "docs" / "asyncapi.json").write_text(asyncapi, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "deploy.k8s.generate"], cwd=ROOT, check=True, capture_output=True)


def remove(name: str, port: int) -> None:
    for _source, target in _files(name):
        target.unlink(missing_ok=True)
    shutil.rmtree(ROOT / "services" / name, ignore_errors=True)  # __pycache__ and empty folders
    for compiled in (ROOT / "shared" / "events" / "types" / "__pycache__").glob(f"{name}.*.pyc"):
        compiled.unlink()
    for file, _anchor, text in _declarations(name, port):
        path = ROOT / file
        content = path.read_text(encoding="utf-8")
        path.write_text(content.replace(text, "", 1), encoding="utf-8")
    _regenerate()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.new_program", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the program's name: its service folder, topic and event types")
    parser.add_argument("--en", help="its name in English (for adding)")
    parser.add_argument("--zh", help="its name in Chinese (for adding)")
    parser.add_argument("--port", type=int, required=True, help="its web port (both ways: the Procfile lines name it)")
    parser.add_argument("--remove", action="store_true", help="take the program away again")
    args = parser.parse_args(argv)
    if args.remove:
        remove(args.name, args.port)
        print(f"removed {args.name}")
        return 0
    if not (args.en and args.zh):
        parser.error("--en and --zh are needed to add a program")
    for path in add(args.name, args.en, args.zh, args.port):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
