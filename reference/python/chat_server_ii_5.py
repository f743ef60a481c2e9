# II.5 Gérer des pseudos: the first message is "Hello|<PSEUDO>"; all are told who joins, and who says what.
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

CLIENTS = {}  # "IP:port" → {"r": reader, "w": writer, "pseudo": pseudo}


async def broadcast(text, except_addr=None):
    for addr, client in list(CLIENTS.items()):
        if addr != except_addr:
            client["w"].write(text.encode())
            await client["w"].drain()


async def handle_client_msg(reader, writer):
    ip, port = writer.get_extra_info("peername")[:2]
    addr = f"{ip}:{port}"
    while True:
        data = await reader.read(1024)
        if not data:  # the client left (step 06 says more about it)
            break
        message = data.decode()
        if addr not in CLIENTS:
            # a new client: its first message must be "Hello|<PSEUDO>"
            pseudo = message.split("|", 1)[1] if message.startswith("Hello|") else ""
            if not pseudo:
                writer.write("Erreur : le premier message doit être Hello|<PSEUDO>".encode())
                await writer.drain()
                break
            CLIENTS[addr] = {"r": reader, "w": writer, "pseudo": pseudo}
            await broadcast(f"Annonce : {pseudo} a rejoint la chatroom")
            continue
        print(f"Message received from {addr} : {message}")
        await broadcast(f"{CLIENTS[addr]['pseudo']} a dit : {message}", addr)
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
