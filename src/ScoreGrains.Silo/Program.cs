using ScoreGrains.Silo.Hosting;

var app = await ScoreGrainsHost.BuildAsync(args);
await app.RunAsync();
