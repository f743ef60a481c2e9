# I.2 Web Requests: downloads one page and writes it to web_page in the temp folder (/tmp/web_page on Linux).
# Usage: python web_sync.py https://www.ynov.com
# Needs requests (Debian: apt install python3-requests, then run it with /usr/bin/python3).
import os
import sys
import tempfile
import time

import requests


def get_content(url):
    response = requests.get(url)  # blocks until the whole page is there
    return response.text


def write_content(content, file):
    with open(file, "w", encoding="utf-8") as f:
        f.write(content)


start = time.perf_counter()
file = os.path.join(tempfile.gettempdir(), "web_page")
write_content(get_content(sys.argv[1]), file)
print(f"Contenu écrit avec succès dans le fichier : {file}")
print(f"Le programme a pris {time.perf_counter() - start:.2f} secondes pour s'exécuter.")
