using Mlops.Ctl;

return await CtlApp.RunAsync(args, CtlEnvironment.FromProcess(), Console.Out, Console.Error);
