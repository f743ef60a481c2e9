# II.3 Client asynchrone: two loops at once, one sends what you type, the other prints what arrives.
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


async def send_user_input(writer):
    stdin = await open_stdin()
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
    reader, writer = await asyncio.open_connection(HOST, PORT)
    writer.write("Hello".encode())
    await writer.drain()
    await asyncio.gather(send_user_input(writer), receive_messages(reader))


try:
    asyncio.run(main())
except KeyboardInterrupt:
    pass
except OSError as error:
    sys.exit(f"Erreur : impossible de parler au serveur {HOST}:{PORT} ({error.strerror})")
