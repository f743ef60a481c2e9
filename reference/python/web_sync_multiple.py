# I.2 Web Requests: every page of a list (one URL per line), one after the other, each into its own file
# in the temp folder: https://www.ynov.com/ → /tmp/web_www.ynov.com_ on Linux.
# Usage: python web_sync_multiple.py urls.txt
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


def read_urls(list_file):
    with open(list_file, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def file_for(url):
    # the scheme dropped, every / replaced by _
    return os.path.join(tempfile.gettempdir(), "web_" + url.split("://", 1)[-1].replace("/", "_"))


def save_page(url):
    file = file_for(url)
    write_content(get_content(url), file)
    print(f"Contenu écrit avec succès dans le fichier : {file}")


start = time.perf_counter()
for url in read_urls(sys.argv[1]):
    save_page(url)
print(f"Le programme a pris {time.perf_counter() - start:.2f} secondes pour s'exécuter.")
