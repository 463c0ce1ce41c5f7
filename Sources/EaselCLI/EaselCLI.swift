/// The `easel` command line: subcommands built on the library.
