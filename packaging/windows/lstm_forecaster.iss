; Inno Setup script for LSTM Forecaster (Windows x64). Build the onedir app first:
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\lstm_forecaster.spec
; then, from the repository root:
;   iscc /DAppVersion=0.1.0 packaging\windows\lstm_forecaster.iss
; The version is passed in by the build (from core/__init__.py), so it is written in one place.
; Not run on the development machine (Linux): the GitHub Actions workflow builds and self-tests it.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "LSTM Forecaster"
#define AppExe "lstm-forecaster.exe"

[Setup]
AppId={{6C1B2D1E-5A0F-4C64-9A55-2E4F6B1F3C21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=LSTM Forecaster contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=lstm-forecaster-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open .lstmf model files with {#AppName}"; GroupDescription: "File associations:"

[Files]
Source: "..\..\dist\lstm-forecaster\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\.lstmf"; ValueType: string; ValueName: ""; ValueData: "LSTMForecaster.Model"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\LSTMForecaster.Model"; ValueType: string; ValueName: ""; ValueData: "LSTM Forecaster model"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\LSTMForecaster.Model\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\LSTMForecaster.Model\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
