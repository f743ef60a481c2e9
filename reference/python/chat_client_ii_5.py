# II.5 Gérer des pseudos: the pseudo first, sent as "Hello|<PSEUDO>", then the same two loops as before.
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


async def open_stdin():
    # aioconsole's ainput() with the standard library: the keyboard read as a stream, like the socket
    stdin = asyncio.StreamReader()
    if sys.stdin.seekable():  # a file (< file.txt): all there already, and the loop cannot watch it
        stdin.feed_data(sys.stdin.buffer.read())
        stdin.feed_eof()
    else:  # a keyboard or a pipe: the loop reads each line as it comes
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    return stdin


async def ask_pseudo(stdin):
    # input("Pseudo : "), but from the same stream as the loop: no line typed ahead is lost
    print("Pseudo : ", end="", flush=True)
    line = await stdin.readline()
    if not line:  # Ctrl+D, or an empty input
        raise EOFError
    return line.decode(errors="replace").rstrip("\r\n")


async def send_user_input(stdin, writer):
    while line := await stdin.readline():  # b"" once the input ends (Ctrl+D, the end of a pipe)
        writer.write(line.rstrip(b"\r\n"))  # the line typed, without its Enter
        await writer.drain()
    writer.close()


async def receive_messages(reader):
    while True:
        data = await reader.read(1024)
        if not data:  # the server left (step 06 says more about it)
            break
        print(data.decode().rstrip("\n"))


async def main():
    stdin = await open_stdin()
    pseudo = await ask_pseudo(stdin)  # before the two loops (and before connecting), as the lab asks
    reader, writer = await asyncio.open_connection(HOST, PORT)
    writer.write(f"Hello|{pseudo}".encode())  # exactly this, nothing more
    await writer.drain()
    # nothing else until the server answers (our own arrival, or an error): that is the end of the Hello
    data = await reader.read(1024)
    print(data.decode().rstrip("\n"))
    await asyncio.gather(send_user_input(stdin, writer), receive_messages(reader))


try:
    asyncio.run(main())
except (KeyboardInterrupt, EOFError):
    pass
except OSError as error:
    sys.exit(f"Erreur : impossible de parler au serveur {HOST}:{PORT} ({error.strerror})")
