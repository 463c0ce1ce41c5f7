import EaselCLI
import Foundation

exit(CommandLineRunner.run())
