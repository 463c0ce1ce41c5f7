import EaselCLI

EaselCommand.main()
