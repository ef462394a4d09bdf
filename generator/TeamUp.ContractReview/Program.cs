return TeamUp.ContractReview.ContractReviewApp.Run(args, Console.Out, Console.Error);
