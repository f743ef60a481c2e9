# II.3: reads every message of every client, as long as they stay, and prints it.
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
PORT = port_from_env(8888)  # 0: any free port


async def handle_client_msg(reader, writer):
    ip, port = writer.get_extra_info("peername")[:2]
    addr = f"{ip}:{port}"
    greeted = False
    while True:
        data = await reader.read(1024)
        if not data:  # the client left (step 06 says more about it)
            break
        message = data.decode()
        print(f"Message received from {addr} : {message}")
        if not greeted:
            writer.write(f"Hello {addr}".encode())
            await writer.drain()
            greeted = True


async def main():
    server = await asyncio.start_server(handle_client_msg, HOST, PORT)
    ip, port = server.sockets[0].getsockname()[:2]
    print(f"Serving on {ip}:{port}")
    async with server:
        await server.serve_forever()


try:
    asyncio.run(main())
except KeyboardInterrupt:
    pass
except OSError as error:
    sys.exit(f"Erreur : impossible d'écouter sur {HOST}:{PORT} ({error.strerror})")
