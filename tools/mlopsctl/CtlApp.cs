using System.CommandLine;

namespace Mlops.Ctl;

/// <summary>The mlopsctl command tree and its run: parse, resolve settings, run the command, map the outcome to an exit code.</summary>
public static class CtlApp
{
    /// <param name="handler">HTTP handler for the service clients (tests); null for the default.</param>
    public static async Task<int> RunAsync(string[] args, CtlEnvironment environment, TextWriter output, TextWriter error,
        HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = Build(environment, output, error, handler);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
                await error.WriteLineAsync(problem.Message);
            await error.WriteLineAsync("See mlopsctl --help.");
            return CtlExit.BadUsage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static RootCommand Build(CtlEnvironment environment, TextWriter output, TextWriter error, HttpMessageHandler? handler)
    {
        var root = new RootCommand("mlopsctl: operate the MLOps control plane through its services' ops APIs (docs/operations.md).\n"
            + "Exit codes: 0 done, 1 the operation failed, 2 bad usage, 3 a service cannot be reached.\n"
            + "Example: mlopsctl sagas list --state Failed");
        root.Options.Add(CtlContext.Options.Token);
        root.Options.Add(CtlContext.Options.Config);
        root.Options.Add(CtlContext.Options.Json);
        root.Options.Add(CtlContext.Options.ManagementUrl);
        root.Options.Add(CtlContext.Options.ManagementUser);
        root.Options.Add(CtlContext.Options.ManagementPassword);
        foreach (var url in CtlContext.Options.Urls.Values)
            root.Options.Add(url);

        Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run =
            command => (parsed, cancellationToken) => RunCommandAsync(parsed, environment, output, error, handler, command, cancellationToken);
        root.Subcommands.Add(SagaCommands.Build(run));
        root.Subcommands.Add(FlowCommands.Build(run));
        root.Subcommands.Add(StackCommands.Build(run));
        root.Subcommands.Add(TrainCommands.Build(run));
        root.Subcommands.Add(LogCommands.Build(run));
        root.Subcommands.Add(ErrorCommands.Build(run));
        foreach (var command in ModelCommands.Build(run))
            root.Subcommands.Add(command);
        root.Subcommands.Add(Dashboard.DashboardCommand.Build(run));
        return root;
    }

    private static async Task<int> RunCommandAsync(ParseResult parsed, CtlEnvironment environment, TextWriter output, TextWriter error,
        HttpMessageHandler? handler, Func<CtlContext, ParseResult, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            var flags = CtlContext.Options.Urls.ToDictionary(u => u.Key, u => parsed.GetValue(u.Value));
            var settings = CtlSettings.Resolve(flags, parsed.GetValue(CtlContext.Options.Token), parsed.GetValue(CtlContext.Options.Config), environment,
                (parsed.GetValue(CtlContext.Options.ManagementUrl), parsed.GetValue(CtlContext.Options.ManagementUser), parsed.GetValue(CtlContext.Options.ManagementPassword)));
            using var context = new CtlContext(settings, new CtlOutput(output, error, parsed.GetValue(CtlContext.Options.Json)), handler);
            return await command(context, parsed, cancellationToken);
        }
        catch (CtlException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
    }
}
