// autosave and heartbeat
