# I.1 Premiers pas: counts to 10, twice, one count after the other (about 10 s in all).
import os
import time

DELAY = float(os.environ.get("DELAY", 0.5))  # DELAY=0.05 makes it quick to try


def sleep_and_print():
    for i in range(1, 11):
        print(i)
        time.sleep(DELAY)


sleep_and_print()
sleep_and_print()
