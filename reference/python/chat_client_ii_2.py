# II.2 Première version: connects, says "Hello", prints the answer and leaves.
import asyncio
import os
import sys

HOST = os.environ.get("HOST") or "127.0.0.1"
PORT = int(os.environ.get("PORT") or 8888)


async def main():
    reader, writer = await asyncio.open_connection(HOST, PORT)
    writer.write("Hello".encode())
    await writer.drain()
    data = await reader.read(1024)
    print(data.decode().rstrip("\n"))
    writer.close()
    await writer.wait_closed()


try:
    asyncio.run(main())
except OSError as error:
    sys.exit(f"Erreur : impossible de parler au serveur {HOST}:{PORT} ({error.strerror})")
