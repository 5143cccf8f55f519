"""`tthc render` (placeholder until its issue lands; owned by the module's author)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return sub.add_parser("render", help="(chưa có)")


def run(args: argparse.Namespace) -> int:
    raise SystemExit("tthc render: chưa được xây dựng")
