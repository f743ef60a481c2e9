# I.2 Web Requests: the same download, asynchronous: aiohttp for the request, aiofiles for the file.
# Usage: python web_async.py https://www.ynov.com
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


async def main(url):
    start = time.perf_counter()
    file = os.path.join(tempfile.gettempdir(), "web_page")
    # nothing to do at the same time: writing the page needs the page
    await write_content(await get_content(url), file)
    print(f"Contenu écrit avec succès dans le fichier : {file}")
    print(f"Le programme a pris {time.perf_counter() - start:.2f} secondes pour s'exécuter.")


asyncio.run(main(sys.argv[1]))
