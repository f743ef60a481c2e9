# II.2 Première version: reads one message from each client, prints it, answers "Hello {IP}:{Port}".
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
    data = await reader.read(1024)
    message = data.decode()
    print(f"Received {message!r} from {addr}")
    writer.write(f"Hello {addr}".encode())
    await writer.drain()
    writer.close()


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
