"""Building blocks of benchmarks/run.py: databases, servers, load, report, project timings."""
