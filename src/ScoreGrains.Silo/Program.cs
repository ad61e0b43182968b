using ScoreGrains.Silo.Hosting;
using ScoreGrains.Silo.Security;

// `--new-key NAME ROLES` makes an API key and exits without starting the silo.
if (NewKeyCommand.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var app = await ScoreGrainsHost.BuildAsync(args);
await app.RunAsync();
return 0;
