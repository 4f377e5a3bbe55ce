"""The single entry point: ``python -m pipeline <command>`` (the Makefile calls this)."""
import argparse
import sys
from pathlib import Path

from pipeline.errors import InputError, printed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check data/raw/ and write GX data docs to output/validation/")
    commands.add_parser("report", help="validate, process, run the notebooks and render output/")
    one = commands.add_parser("administration", help="build one administration's page into output/administrations/")
    one.add_argument("name", help="the administration's name as the report spells it, e.g. Skarpnäck")
    commands.add_parser("preview", help="build the report's HTML into .build/preview/, serve it on 127.0.0.1 "
                                        "(PREVIEW_PORT=…) and rebuild it whenever an input is saved")
    commands.add_parser("dist", help="bundle the built edition into dist/<name>-<edition date>.zip "
                                     "(the edition is set in report.yml)")
    commands.add_parser("write-dictionary", help="regenerate docs/data_dictionary.md from the registries")
    commands.add_parser("write-suites", help="regenerate expectations/*.json from pipeline/ingest/schemas.py")
    check = commands.add_parser("verify", help="rebuild in a temporary directory and list every output file that "
                                               "differs from output/ and data/processed/")
    check.add_argument("--keep", type=Path, metavar="DIR", help="keep the rebuild in DIR to inspect the differences")
    since = commands.add_parser("diff", help="build the edition at a git ref and list every published figure that "
                                             "changed since it in output/andringar.csv and .html")
    since.add_argument("--from", dest="ref", required=True, metavar="REF",
                       help="the edition to compare with: a tag, branch or commit")
    args = parser.parse_args(argv)

    try:
        return _run(args)
    except (InputError, OSError, RuntimeError) as exc:
        message, code = printed(exc)
        print(message, file=sys.stderr)
        return code
    except KeyboardInterrupt:
        print("interrupted: nothing was published; output/ is unchanged.", file=sys.stderr)
        return 130


def _run(args) -> int:
    snapshot = None
    if args.command == "preview":
        from pipeline.build import preview  # serves .build/preview/ until Ctrl-C; never touches output/

        return preview.run()
    if args.command == "dist":
        from pipeline.build import edition  # bundles what output/ holds; builds nothing

        print(edition.write())
        return 0
    if args.command == "report":
        from pipeline.ingest import inputs  # no pandas: deciding that nothing changed takes a fraction of a second
        from pipeline.build import provenance

        snapshot = inputs.read()
        if inputs.unchanged(snapshot, code=provenance.code_version()):
            from pipeline.build import publish

            publish.remove_stale_stages()  # what builds killed since the last one left behind
            print(f"output/ is up to date: its manifest records these very {len(snapshot.files)} inputs "
                  "(raw data, suites, notebooks, code, parameters, lock) and this commit. Nothing to be done.")
            return 0
        changed = inputs.changes(snapshot)
        if changed:
            shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
            print(f"Changed since the last build: {shown}")

    from pipeline.build import report

    progress = report.Progress()
    if args.command == "validate":
        report.validate_only(progress)
    elif args.command == "report":
        summary = report.build_report(progress, snapshot)
        total = progress.total()
        print("Stage times: " + ", ".join(f"{k} {v:.1f} s" + (" (within another)" if k in progress.within else "")
                                          for k, v in progress.timings.items())
              + f"; total {total:.1f} s")
        print(f"Report built from {summary['files']} validated raw files and {summary['runs']} notebook run(s): "
              "output/report.html, output/report.pdf")
        counts = summary["audit"]
        print(f"Audit: {counts['checks']} published figures checked: {counts['ok']} ok, "
              f"{counts['mismatch']} mismatch, {counts['not_checkable']} not checkable "
              "(output/audit/reconciliation.csv)")
    elif args.command == "administration":
        page = report.build_administration(progress, args.name)
        print(f"Page built: {page.relative_to(page.parents[2])} and its PDF")
    elif args.command == "write-dictionary":
        from pipeline.tools import dictionary

        print(f"wrote {dictionary.write()}")
    elif args.command == "verify":
        from pipeline.build import verify

        return verify.verify(keep=args.keep)
    elif args.command == "diff":
        from pipeline.build import changes

        return changes.diff(args.ref)
    elif args.command == "write-suites":
        from pipeline.ingest import suites

        for path in suites.write_all():
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
