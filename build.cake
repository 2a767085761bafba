// Build, test and benchmark PoT:  dotnet tool restore && dotnet cake --target=Test
// Targets: Build, Test (the README's test command, as .ci/run runs it), Bench (PoT.Bench, never part of Test).

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchArgs = Argument("bench", "ingest");

Task("Build")
    .Does(() => DotNetBuild("PoT.sln", new DotNetBuildSettings { Configuration = configuration }));

Task("Test")
    .Does(() =>
{
    var exit = StartProcess("bash", new ProcessSettings { Arguments = ".ci/run" });
    if (exit != 0) throw new Exception($".ci/run failed with exit code {exit}");
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() => DotNetRun("PoT.Bench/PoT.Bench.csproj", benchArgs, new DotNetRunSettings { Configuration = "Release", NoBuild = true }));

RunTarget(target);
