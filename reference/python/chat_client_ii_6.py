# II.6 Déconnexion: the client notices when the server goes away, says so and quits.
import asyncio
import os
import sys

HOST = os.environ.get("HOST") or "127.0.0.1"
PORT = int(os.environ.get("PORT") or 8888)


async def send_user_input(writer):
    # aioconsole's ainput() with the standard library: the keyboard read as a stream, like the socket
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    while line := await stdin.readline():  # b"" once the input ends (Ctrl+D, the end of a pipe)
        writer.write(line.rstrip(b"\r\n"))  # the line typed, without its Enter
        await writer.drain()


async def receive_messages(reader):
    while True:
        try:
            data = await reader.read(1024)
        except ConnectionError:  # a reset: gone as well
            data = b""
        if not data:  # the empty message of a server that left
            print("Le serveur a fermé la connexion.")
            break
        print(data.decode().rstrip("\n"))


async def main():
    pseudo = input("Pseudo : ")  # before the two loops, synchronously, as the lab asks
    reader, writer = await asyncio.open_connection(HOST, PORT)
    writer.write(f"Hello|{pseudo}".encode())  # exactly this, nothing more
    await writer.drain()
    # nothing else until the server answers (our own arrival, or an error): that is the end of the Hello
    data = await reader.read(1024)
    print(data.decode().rstrip("\n"))
    # the first loop to end (the user leaves, or the server does) stops the other
    loops = [asyncio.create_task(send_user_input(writer)), asyncio.create_task(receive_messages(reader))]
    _, pending = await asyncio.wait(loops, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    writer.close()


try:
    asyncio.run(main())
except (KeyboardInterrupt, EOFError):
    pass
except OSError as error:
    sys.exit(f"Erreur : impossible de parler au serveur {HOST}:{PORT} ({error.strerror})")
