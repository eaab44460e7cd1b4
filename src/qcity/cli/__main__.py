from qcity.cli.main import app

app()
