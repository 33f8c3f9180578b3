"""`docker export CONTAINER | python -m tests.image_files --absent BUNDLE`: fails if the image holds the CA bundle.

scripts/docker-test.sh passes this machine's CA bundle to the build stage only; this reads the final
image's whole filesystem (a tar on stdin) and fails on a file equal to the bundle or holding any of
its certificates that Debian's ca-certificates package does not ship (the ones added on this machine).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tarfile
from pathlib import Path

PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)
DEBIAN_CAS = Path("/usr/share/ca-certificates")


def local_certificates(bundle: bytes) -> set[bytes]:
    """The bundle's certificates that are not Debian's own."""
    debian = {b for f in DEBIAN_CAS.rglob("*.crt") for b in PEM.findall(f.read_bytes())}
    return set(PEM.findall(bundle)) - debian


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.image_files", description=__doc__)
    parser.add_argument("--absent", type=Path, required=True, help="the CA bundle that must not be there")
    args = parser.parse_args(argv)
    bundle = args.absent.read_bytes()
    digest, local = hashlib.sha256(bundle).digest(), local_certificates(bundle)
    found, files = [], 0
    with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as image:
        for member in image:
            extracted = image.extractfile(member) if member.isfile() else None
            if extracted is None:
                continue
            files += 1
            data = extracted.read()
            if (len(data) == len(bundle) and hashlib.sha256(data).digest() == digest) or (
                    b"-----BEGIN CERTIFICATE-----" in data and any(c in data for c in local)):
                found.append(member.name)
    if found:
        print(f"the image holds the CA bundle or its local certificates: {found}", file=sys.stderr)
        return 1
    print(f"no copy of {args.absent} nor of its {len(local)} local certificates among the image's {files} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
