# II.2 Première version: connects, says "Hello", prints the answer and leaves.
import asyncio
import os
import sys


def port_from_env(fallback):
    # unset or empty: the fallback; PORT=abc stops here, in one line rather than a traceback
    text = os.environ.get("PORT") or str(fallback)
    if text.isdecimal() and int(text) <= 65535:
        return int(text)
    print(f"Erreur : PORT={text} n'est pas un numéro de port", file=sys.stderr)
    sys.exit(2)


HOST = os.environ.get("HOST") or "127.0.0.1"
PORT = port_from_env(8888)


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
