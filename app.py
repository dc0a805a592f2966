from guide import create_app

app = create_app()
