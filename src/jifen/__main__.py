from jifen.cli import main

main()
