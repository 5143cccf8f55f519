"""`tthc stats` (placeholder until its issue lands; owned by the module's author)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return sub.add_parser("stats", help="(chưa có)")


def run(args: argparse.Namespace) -> int:
    raise SystemExit("tthc stats: chưa được xây dựng")
