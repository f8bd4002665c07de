"""The `kg` command line: a thin shell that parses options, calls the library and reports errors.

Exit status: 0 success, 1 an error in the input or while writing, 2 a usage error, 130 interrupted.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from . import __version__
from .errors import InputError, KGError

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
RDF_FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "json-ld": "json-ld"}


def build_cli(args: argparse.Namespace) -> int:
    """kg build: inputs -> output/graph.json, graph.ttl, graph.html."""
    from .build import build

    summary = build(args.inputs or ["seeds"], args.out, rdf_format=RDF_FORMATS[args.format],
                    max_nodes=args.max_nodes, on_bad_record=_warn if args.skip_bad else None,
                    jobs=args.jobs, progress=not args.quiet)
    print(f"documents: {summary.documents} distinct ({summary.records} records read, "
          f"{summary.duplicates_merged} duplicates merged"
          + (f", {summary.skipped} bad records skipped)" if args.skip_bad else ")"))
    entities = ", ".join(f"{t} {n}" for t, n in summary.entities_by_type.items()) or "none"
    print(f"entities: {sum(summary.entities_by_type.values())} ({entities})")
    print(f"relations: {summary.relations} (and {summary.variants} size variants linked to their family)")
    print("wrote: " + ", ".join(summary.files))
    return 0


def extract_cli(args: argparse.Namespace) -> int:
    """kg extract: one prediction line per input record, in the scorer's format."""
    from .analysis import extract_to_file

    count = extract_to_file(args.inputs, args.out, on_bad_record=_warn if args.skip_bad else None,
                            jobs=args.jobs, progress=not args.quiet)
    print(f"wrote {count} records to {args.out}")
    return 0


def query_cli(args: argparse.Namespace) -> int:
    """kg query: SPARQL over an RDF export."""
    from .rdf import format_results, query_rdf

    if (args.query is None) == (args.file is None):
        raise _UsageError("give a QUERY or --file FILE.rq, not both")
    if args.file is not None:
        try:
            with open(args.file, encoding="utf-8") as fh:
                sparql = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(args.file, None, f"cannot read query: {getattr(e, 'strerror', None) or e}") from e
    else:
        sparql = args.query
    try:
        variables, rows = query_rdf(args.graph, sparql, query_name=args.file or "<query>")
    except KeyboardInterrupt:
        print("Interrupted: the query was stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    sys.stdout.write(format_results(variables, rows, format=args.format))
    return 0


def eval_cli(args: argparse.Namespace) -> int:
    """kg eval: the scorer's figures for GOLD and PRED."""
    from .eval import format_report, read_records_by_id, score

    report, errors = score(read_records_by_id(args.gold), read_records_by_id(args.pred))
    sys.stdout.write(format_report(report, errors if args.show_errors else None, as_json=args.json))
    return 0


class _UsageError(Exception):
    pass


def _warn(error: InputError) -> None:
    print(f"Skipped: {error}", file=sys.stderr)


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="kg", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the graph and write graph.json, graph.ttl and graph.html",
                                description="Build the graph from abstracts and write all exports.")
    build.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders (default: seeds/)")
    build.add_argument("--out", default="output", metavar="DIR", help="output folder (default: output/)")
    build.add_argument("--format", default="turtle", choices=sorted(RDF_FORMATS), help="RDF format (default: turtle)")
    build.add_argument("--max-nodes", type=int, default=20000, metavar="N",
                       help="most nodes drawn in graph.html (default: 20000)")
    build.add_argument("--skip-bad", action="store_true", help="skip bad records, reporting each on stderr")
    _add_speed_options(build)
    build.set_defaults(handler=build_cli)

    extract = commands.add_parser("extract", help="write predictions in the scorer's JSONL format",
                                  description="Extract entities and relations, one JSON line per input record.")
    extract.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    extract.add_argument("--out", required=True, metavar="FILE", help="predictions file (JSON Lines)")
    extract.add_argument("--skip-bad", action="store_true", help="skip bad records, reporting each on stderr")
    _add_speed_options(extract)
    extract.set_defaults(handler=extract_cli)

    query = commands.add_parser("query", help="run a SPARQL query over an RDF export",
                                description="Run SPARQL over graph.ttl (or .nt, .jsonld). An export of 64 MB or more "
                                            "is queried through an on-disk store beside it (GRAPH.oxigraph/), built "
                                            "on the first query and rebuilt when the export changes.")
    query.add_argument("graph", metavar="GRAPH", help="an RDF export written by kg build")
    query.add_argument("query", nargs="?", metavar="QUERY", help="the SPARQL query text")
    query.add_argument("--file", metavar="FILE.rq", help="read the query from a file")
    query.add_argument("--format", default="table", choices=("table", "csv", "json"), help="output format")
    query.set_defaults(handler=query_cli)

    evaluate = commands.add_parser("eval", help="score predictions against a gold file",
                                   description="Precision, recall and F1 of predictions against gold.")
    evaluate.add_argument("gold", metavar="GOLD", help="gold JSONL")
    evaluate.add_argument("pred", metavar="PRED", help="predictions JSONL")
    evaluate.add_argument("--show-errors", action="store_true", help="list every miss and false hit")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.set_defaults(handler=eval_cli)
    return parser


def _add_speed_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--jobs", "-j", type=_jobs, default=1, metavar="N",
                         help="extraction worker processes, 0 for one per CPU (default: 1); "
                              "the output is the same for any N")
    command.add_argument("--quiet", "-q", action="store_true",
                         help="no progress line on stderr (it is drawn only when stderr is a terminal)")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is invalid; must be 0 (one per CPU) or a positive number")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run kg; returns the exit status instead of raising."""
    parser = make_parser()
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return args.handler(args)
    except _UsageError as e:
        parser.print_usage(sys.stderr)
        print(f"kg: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KGError as e:
        print(f"Error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Interrupted: earlier output files are unchanged.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `kg query ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
