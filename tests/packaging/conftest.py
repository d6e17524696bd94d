def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds or runs the PyInstaller binary (minutes)")
