target_sources(mltrainer_net PRIVATE)
