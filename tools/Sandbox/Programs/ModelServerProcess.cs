using System.Globalization;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// A running <c>mlflow models serve</c>: it loads the model first and listens only then (MLflow 2's gunicorn and MLflow 3's
/// uvicorn both answer nothing while the model loads: a probe sees a refused connection); it exits 1 with the real error
/// when loading fails. Bound to 127.0.0.1 (the default host), it cannot be reached from outside the pod.
/// </summary>
public sealed class ModelServerProcess : ProgramProcess
{
    private readonly ServeCommand _command;
    private readonly IReadOnlyDictionary<string, string?> _libraries;
    private readonly string _mlflowVersion;
    private readonly ModelLoader _loader;
    private readonly TimeProvider _time;
    private volatile ScoringServer? _scoring;

    public ModelServerProcess(ContainerLaunch launch, ServeCommand command, IReadOnlyDictionary<string, string?> libraries, string mlflowVersion, ModelLoader loader, TimeProvider time)
        : base(launch)
    {
        _command = command;
        _libraries = libraries;
        _mlflowVersion = mlflowVersion;
        _loader = loader;
        _time = time;
    }

    /// <summary>The model once loaded; null while loading.</summary>
    public LoadedModel? Model { get; private set; }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_command.NoConda)
            Log("WARNING mlflow.models.cli: `--no-conda` is deprecated and will be removed in a future MLflow release. Use `--env-manager=local` instead.");
        if (_command.EnableMlserver)
            throw ProgramExitException.Python(PythonErrors.ModuleNotFound("mlserver"), "mlflow/pyfunc/mlserver.py", "get_cmd");
        var model = await _loader.LoadAsync(_command, Launch, _libraries, cancellationToken);
        var major = _mlflowVersion.Split('.')[0];
        var address = $"{_command.Host}:{_command.Port.ToString(CultureInfo.InvariantCulture)}";
        if (major is "1" or "2")
        {
            Log($"INFO mlflow.pyfunc.backend: === Running command 'exec gunicorn --timeout=60 -b {address} -w 1 ${{GUNICORN_CMD_ARGS}} -- mlflow.pyfunc.scoring_server.wsgi:app'");
            var stamp = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            Launch.Log.WriteLine($"[{stamp} +0000] [1] [INFO] Starting gunicorn 23.0.0");
            Launch.Log.WriteLine($"[{stamp} +0000] [1] [INFO] Listening at: http://{address} (1)");
            Launch.Log.WriteLine($"[{stamp} +0000] [1] [INFO] Using worker: sync");
            Launch.Log.WriteLine($"[{stamp} +0000] [7] [INFO] Booting worker with pid: 7");
        }
        else
        {
            Log($"INFO mlflow.pyfunc.backend: === Running command 'exec uvicorn --host {_command.Host} --port {_command.Port.ToString(CultureInfo.InvariantCulture)} --workers 1 mlflow.pyfunc.scoring_server.app:app'");
            Launch.Log.WriteLine("INFO:     Started server process [1]");
            Launch.Log.WriteLine("INFO:     Waiting for application startup.");
            Launch.Log.WriteLine("INFO:     Application startup complete.");
            Launch.Log.WriteLine($"INFO:     Uvicorn running on http://{address} (Press CTRL+C to quit)");
        }
        Model = model;
        _scoring = new ScoringServer(model, _mlflowVersion);
    }

    public override Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken)
    {
        if (Gone || _scoring is null || request.Port != _command.Port || !_command.ListensOnPodAddress)
            return Task.FromResult<ContainerResponse?>(null);
        return Task.FromResult<ContainerResponse?>(_scoring.Handle(request));
    }

    private void Log(string line) =>
        Launch.Log.WriteLine($"{_time.GetUtcNow().UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)} {line}");
}
