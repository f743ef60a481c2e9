# I.2 Web Requests: every page of a list (one URL per line), all at once, each into its own file in the
# temp folder: https://www.ynov.com/ → /tmp/web_www.ynov.com_ on Linux.
# Usage: python web_async_multiple.py urls.txt
# Needs aiohttp and aiofiles (Debian: apt install python3-aiohttp python3-aiofiles, then /usr/bin/python3).
import asyncio
import os
import sys
import tempfile
import time

import aiofiles
import aiohttp


async def get_content(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return await response.text()


async def write_content(content, file):
    async with aiofiles.open(file, "w", encoding="utf-8") as f:
        await f.write(content)


def read_urls(list_file):
    with open(list_file, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def file_for(url):
    # the scheme dropped, every / replaced by _
    return os.path.join(tempfile.gettempdir(), "web_" + url.split("://", 1)[-1].replace("/", "_"))


async def save_page(url):
    file = file_for(url)
    await write_content(await get_content(url), file)
    print(f"Contenu écrit avec succès dans le fichier : {file}")


async def main(list_file):
    start = time.perf_counter()
    # every download starts now; gather waits until all of them are done
    await asyncio.gather(*(save_page(url) for url in read_urls(list_file)))
    print(f"Le programme a pris {time.perf_counter() - start:.2f} secondes pour s'exécuter.")


asyncio.run(main(sys.argv[1]))
