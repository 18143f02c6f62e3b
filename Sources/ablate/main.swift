Ablate.main()
