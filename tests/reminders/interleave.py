"""Two connections interleaved at a chosen point, to see how their row locks meet (PostgreSQL).

A deadlock shows as PostgreSQL's "deadlock detected" error on one side, about a second
(`deadlock_timeout`) after both sides wait for each other.
"""

import threading
import time

from django.db import connection


def interleave(monkeypatch, *, first, pause_at, then):
    """Run `first` until it calls `pause_at` ((module, name)), then `then` while `first` waits there; return both.

    `then` gets a second and a half to reach and block on the locks `first` holds; then `first`
    goes on. Each runs in its own thread and connection. The results come back as
    (first's, then's), an exception standing for the result of a call that raised.
    """
    module, name = pause_at
    original = getattr(module, name)
    reached, go = threading.Event(), threading.Event()
    results = [None, None]

    def paused(*args, **kwargs):
        if threading.current_thread() is threads[0]:
            reached.set()
            go.wait(10)
        return original(*args, **kwargs)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connection.close()

    monkeypatch.setattr(module, name, paused)
    threads = [threading.Thread(target=run, args=(0, first)), threading.Thread(target=run, args=(1, then))]
    threads[0].start()
    assert reached.wait(10), f"{name} was never called"
    threads[1].start()
    time.sleep(1.5)
    go.set()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "still waiting after 30 s"
    return tuple(results)
