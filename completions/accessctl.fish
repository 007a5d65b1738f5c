complete --keep-order --exclusive --command accessctl --arguments "(COMPLETE=fish accessctl -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
