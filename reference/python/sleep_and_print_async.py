# I.1 Premiers pas: the same count made asynchronous; both counts run at once (about 5 s in all).
import asyncio
import os

DELAY = float(os.environ.get("DELAY", 0.5))  # DELAY=0.05 makes it quick to try


async def sleep_and_print():
    for i in range(1, 11):
        print(i)
        await asyncio.sleep(DELAY)


async def main():
    await asyncio.gather(sleep_and_print(), sleep_and_print())


asyncio.run(main())
