"""Two or more calls at the same moment, each in its own thread and database connection: the races tests stage."""

import threading

from django.db import connection


def race(*calls):
    """Run the calls at the same moment, each in its own thread and connection; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the loser's error is the result under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results
