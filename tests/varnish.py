"""Varnish from Debian (with `xkey` from varnish-modules) in front of a test's own backend,
running deploy/varnish/portal.vcl with the backend's port: started with the test's other
processes (tests/processes.py) and stopped with them."""

import re
import shutil
from pathlib import Path

from tests.processes import ROOT, Processes, free_port

VCL = ROOT / "deploy" / "varnish" / "portal.vcl"
INSTALL = "apt-get install -y varnish varnish-modules"


def varnishd() -> str:
    """The varnishd binary; an AssertionError naming the apt command when it is missing."""
    binary = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
    assert binary, f"Varnish is not installed: {INSTALL}"
    assert list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")), (
        f"varnish-modules (the xkey vmod) is not installed: {INSTALL}"
    )
    return binary


def vcl_for_backend(port: int, directory: Path) -> Path:
    """A copy of the shipped VCL pointed at 127.0.0.1:`port`."""
    text, count = re.subn(r'\.port = "\d+";', f'.port = "{port}";', VCL.read_text(), count=1)
    assert count == 1, "deploy/varnish/portal.vcl has no backend port to point at the test's server"
    path = directory / f"portal-{port}.vcl"
    path.write_text(text)
    return path


def start_varnish(processes: Processes, *, backend_port: int, port: int | None = None, name: str = "varnish") -> str:
    """Start varnishd in the foreground on `port` (a free one by default); its URL once it answers."""
    binary = varnishd()
    port = port or free_port()
    workdir = processes.log_dir / f"{name}-work"
    workdir.mkdir(exist_ok=True)
    args = [
        binary,
        "-F",
        "-j",
        "none",  # the test's own user: the work directory is under its private tmp_path
        "-n",
        str(workdir),
        "-a",
        f"127.0.0.1:{port}",
        "-T",
        "none",
        "-f",
        str(vcl_for_backend(backend_port, processes.log_dir)),
        "-s",
        "malloc,64m",
    ]
    processes.start(name, args, env=None)
    url = f"http://127.0.0.1:{port}"
    processes.wait_for(f"{url}/robots.txt", timeout=30)
    return url
