package importer

import (
	"regexp"
	"strings"
)

// A phrase rule suggests an ATT&CK ID when its pattern occurs in a line of
// the report. The phrase tables are written by hand: no library maps CTI
// prose to ATT&CK, and a small, reviewable table with an example per rule
// (checked by the tests) is easier to trust than a statistical guess. Every
// suggestion carries the text that matched, so a reviewer can judge it.
type phrase struct {
	ID      string
	Pattern string // case-insensitive regular expression
	Example string // a line the rule must match (asserted by the tests)
	re      *regexp.Regexp
}

// w is up to n filler words between two parts of a pattern.
func w(n string) string { return `(?:[\w'’/-]+\s+){0,` + n + `}?` }

// techniquePhrases maps TTP wording to ATT&CK Enterprise techniques. When a
// line matches a sub-technique and its parent, only the sub-technique is
// kept (see suggest).
var techniquePhrases = compile([]phrase{
	// Initial access
	{ID: "T1566.001", Pattern: `spear-?phishing\s+(?:e-?mails?\s+)?(?:with\s+|containing\s+|carrying\s+)?(?:malicious\s+|weaponi[sz]ed\s+)?attachments?|(?:malicious|weaponi[sz]ed)\s+(?:e-?mail\s+)?attachments?|phishing\s+e-?mails?\s+(?:with|containing|carrying)\s+` + w("3") + `(?:attachments?|documents?|archives?)`, Example: "Spearphishing attachment carrying a malicious ISO file"},
	{ID: "T1566.002", Pattern: `spear-?phishing\s+links?|phishing\s+(?:e-?mails?\s+|messages?\s+)?(?:with|containing)\s+(?:malicious\s+)?links?|malicious\s+links?\s+(?:in|via)\s+(?:e-?mails?|messages?)|credential[- ]harvesting\s+(?:pages?|sites?|links?)`, Example: "Phishing emails containing malicious links"},
	{ID: "T1566.003", Pattern: `spear-?phishing\s+via\s+(?:a\s+)?(?:service|social\s+media|linkedin|messaging)|(?:linkedin|social[- ]media|whatsapp|telegram)\s+(?:messages?|lures?|approaches)`, Example: "Fake recruiters sent LinkedIn messages"},
	{ID: "T1566.004", Pattern: `voice\s+phishing|vishing|spearphishing\s+voice|(?:phone|telephone)\s+calls?\s+to\s+(?:the\s+)?(?:it\s+)?help\s?desk|help\s?desk\s+(?:social\s+engineering|impersonation)`, Example: "Vishing calls to the IT help desk"},
	{ID: "T1566", Pattern: `phishing`, Example: "Phishing campaigns against staff"},
	{ID: "T1190", Pattern: `exploit\w*\s+` + w("8") + `(?:public|internet)[- ](?:facing|exposed)|(?:public|internet)[- ](?:facing|exposed)\s+` + w("6") + `(?:were\s+|was\s+)?exploit\w*|exploit\w*\s+[^.;]{0,100}?\bfor\s+initial\s+access|exploit\w*\s+(?:of\s+)?` + w("5") + `(?:exchange|vpns?|firewalls?|gateways?|web\s+servers?|web\s+applications?|confluence|citrix|netscaler|ivanti|fortinet|fortigate|fortios|pulse\s+secure|moveit|sharepoint|connect\s+secure|appliances?|edge\s+devices?|routers?)\b`, Example: "Exploitation of a public-facing service for initial access"},
	{ID: "T1133", Pattern: `external\s+remote\s+services|(?:vpn|citrix|rdp|remote\s+desktop)\s+(?:access|accounts?|sessions?)\s+(?:with|using)\s+(?:stolen|valid|compromised|legitimate)\s+credentials|exposed\s+(?:rdp|remote\s+desktop)|(?:logged|logging|log|signed|signing|sign)\s+(?:in|on)(?:to)?\s+(?:to\s+|through\s+|via\s+)?(?:the\s+|their\s+|its\s+|an?\s+)?(?:company's\s+|victim's\s+)?(?:ssl\s+)?vpn\b`, Example: "Logged in to the VPN with stolen credentials"},
	{ID: "T1078.001", Pattern: `default\s+(?:credentials|passwords|accounts)`, Example: "Default credentials on cameras"},
	{ID: "T1078.002", Pattern: `(?:stolen|compromised|valid)\s+domain\s+(?:admin(?:istrator)?\s+)?(?:credentials|accounts)`, Example: "Used compromised domain admin accounts"},
	{ID: "T1078.004", Pattern: `(?:stolen|compromised|valid|hijacked)\s+cloud\s+(?:credentials|accounts)|(?:compromised|hijacked|stolen)\s+(?:microsoft\s+365|m365|office\s+365|azure\s+ad|entra\s+id|okta|aws|google\s+workspace)\s+accounts?`, Example: "Used the hijacked Microsoft 365 accounts"},
	{ID: "T1078", Pattern: `valid\s+accounts|(?:stolen|compromised|legitimate|harvested|purchased|leaked)\s+(?:user\s+|employee\s+|account\s+|admin(?:istrator)?\s+|vpn\s+)?(?:credentials|accounts|passwords|logins)`, Example: "Use of valid accounts"},
	{ID: "T1189", Pattern: `drive-by\s+(?:compromise|downloads?)|watering[- ]holes?`, Example: "A watering hole on a news site"},
	{ID: "T1195.002", Pattern: `software\s+supply[- ]chain|trojani[sz]ed\s+(?:software\s+)?(?:updates?|installers?|builds?|packages?)|(?:malicious|tampered|poisoned|backdoored)\s+(?:software\s+)?(?:updates?|installers?)|(?:compromis|breach|infiltrat|access)\w*\s+` + w("2") + `(?:vendor|supplier|developer)'?s?\s+` + w("1") + `(?:build|update|distribution|signing)\s+(?:servers?|systems?|environments?|pipelines?|infrastructure)`, Example: "Compromised the vendor's build environment and shipped a trojanized installer"},
	{ID: "T1195", Pattern: `supply[- ]chain\s+(?:compromise|attacks?|intrusions?)`, Example: "Supply-chain compromise of a vendor"},
	{ID: "T1199", Pattern: `trusted\s+relationships?|(?:through|via)\s+(?:a\s+|an\s+|their\s+)?` + w("2") + `(?:managed\s+service\s+providers?|msps?|it\s+service\s+providers?|third[- ]party\s+(?:vendors?|providers?|suppliers?))`, Example: "Access through a managed service provider"},
	// Execution
	{ID: "T1059.001", Pattern: `powershell`, Example: "PowerShell scripts for discovery"},
	{ID: "T1059.003", Pattern: `cmd\.exe|windows\s+command\s+shell|batch\s+scripts?`, Example: "Batch scripts run with cmd.exe"},
	{ID: "T1059.004", Pattern: `\bunix\s+shell|\bbash\s+scripts?|\bshell\s+scripts?`, Example: "Bash scripts on ESXi hosts"},
	{ID: "T1059.005", Pattern: `vba\s+macros?|visual\s+basic|vbscript|malicious\s+macros?|macro-enabled`, Example: "Macro-enabled Word documents"},
	{ID: "T1059.006", Pattern: `python\s+(?:scripts?|backdoors?|implants?)|python-based`, Example: "A Python-based backdoor"},
	{ID: "T1059.007", Pattern: `javascript|jscript`, Example: "Obfuscated JavaScript droppers"},
	{ID: "T1059", Pattern: `command(?:-|\s+and\s+)(?:line|scripting)\s+interpreters?|scripting\s+interpreters?`, Example: "Command and scripting interpreters"},
	{ID: "T1047", Pattern: `\bwmi\b|\bwmic\b|windows\s+management\s+instrumentation`, Example: "Remote execution over WMI"},
	{ID: "T1053.005", Pattern: `scheduled\s+tasks?|schtasks`, Example: "Persistence via scheduled tasks"},
	{ID: "T1569.002", Pattern: `psexec|service\s+execution`, Example: "Lateral execution with PsExec"},
	{ID: "T1204.002", Pattern: `(?:victims?|users?|targets?|employees?)\s+` + w("2") + `(?:open|opening|opened|run|running|ran|execut\w+|click\w*)\s+` + w("3") + `(?:attach\w*|files?|documents?|executables?|installers?)|lure\s+documents?|user\s+execution`, Example: "Users opened the attached document"},
	{ID: "T1203", Pattern: `exploitation\s+for\s+client\s+execution|malicious\s+documents?\s+exploiting|(?:browser|office|adobe|pdf\s+reader)\s+(?:exploits?|vulnerabilit\w+)`, Example: "A browser exploit chain"},
	{ID: "T1072", Pattern: `software\s+deployment\s+tools|(?:push|deploy|distribut|spread|install|deliver)\w*\s+[^.;]{0,60}?\b(?:through|via|using|with|from)\s+(?:the\s+|their\s+|its\s+|an?\s+)?(?:(?:own|internal|victim'?s?|company'?s?|customer'?s?)\s+)*(?:software\s+|patch\s+)?(?:upgrade|update|deployment|distribution)\s+(?:management\s+)?(?:servers?|systems?|tools?|platforms?)|upgrade\s+management\s+servers?|\bsccm\b|pdq\s+deploy`, Example: "Pushed trojans through the software upgrade server"},
	// Persistence, privilege escalation, defence evasion
	{ID: "T1505.003", Pattern: `web\s?shells?`, Example: "Web shells on Exchange servers"},
	// A backdoor on a server application is Server Software Component; the
	// sub-techniques only when the report says which kind.
	{ID: "T1505", Pattern: `server\s+software\s+components?|backdoor\w*\s+[^.;]{0,40}?\b(?:on|in|into|to)\s+` + w("3") + `(?:mail|e-?mail|exchange|web|iis|sharepoint|application)\s+servers?|backdoor\w*\s+(?:the\s+)?(?:mail|e-?mail|exchange|web|iis)\s+servers?|exchange\s+[^.;]{0,60}?\b(?:implant|install|plant|drop|deploy)\w*\s+` + w("1") + `backdoors?|(?:implant|install|plant|drop|deploy)\w*\s+` + w("1") + `backdoors?\s+[^.;]{0,60}?\b(?:exchange|mail\s+servers?)`, Example: "Implant backdoors on the mail server"},
	{ID: "T1505.002", Pattern: `transport\s+agents?`, Example: "A malicious Exchange transport agent"},
	{ID: "T1505.004", Pattern: `\biis\s+(?:modules?|components?|backdoors?)|isapi\s+(?:filters?|extensions?)`, Example: "A malicious IIS module"},
	{ID: "T1547.001", Pattern: `registry\s+run\s+keys?|\brun\s+keys?|startup\s+folder`, Example: "Registry run keys for persistence"},
	{ID: "T1136", Pattern: `creat(?:e|ed|es|ing|ion\s+of)\s+(?:new\s+|local\s+|rogue\s+|additional\s+)*(?:admin(?:istrator)?\s+|user\s+)?accounts`, Example: "Created new local administrator accounts"},
	{ID: "T1098", Pattern: `account\s+manipulation|add\w*\s+` + w("3") + `to\s+` + w("2") + `(?:admin\w*|privileged)\s+groups?`, Example: "Added the account to the domain admins group"},
	{ID: "T1098.005", Pattern: `(?:register|add|enrol)\w*\s+` + w("2") + `(?:their\s+own\s+|new\s+|rogue\s+)?(?:mfa|multi-?factor|authenticator)\s+(?:devices?|methods?|apps?)|device\s+registration`, Example: "Registered their own MFA devices"},
	{ID: "T1068", Pattern: `exploit\w*\s+[^.;]{0,80}?(?:for|to\s+gain|to\s+obtain|to\s+achieve)\s+` + w("2") + `privilege\s+escalation|privilege\s+escalation\s+(?:exploits?|vulnerabilit\w+|flaws?)|exploit\w*\s+[^.;]{0,60}?to\s+(?:gain|obtain)\s+(?:system|root|admin\w*)\s+(?:privileges|access)`, Example: "Exploited a driver flaw for privilege escalation"},
	{ID: "T1055", Pattern: `process\s+(?:injection|hollowing)|inject(?:s|ed|ing)?\s+` + w("3") + `into\s+` + w("3") + `process(?:es)?`, Example: "Process hollowing of svchost.exe"},
	{ID: "T1562.001", Pattern: `(?:disabl|tamper|kill|uninstall)\w*\s+(?:with\s+)?` + w("3") + `(?:security\s+(?:tools|software|products)|antivirus|anti-virus|edr|endpoint\s+(?:detection|protection)|defender)`, Example: "Disabled endpoint detection and antivirus"},
	{ID: "T1070.001", Pattern: `clear(?:s|ed|ing)?\s+` + w("2") + `(?:windows\s+)?event\s+logs|(?:windows\s+)?event\s+log\s+(?:deletion|clearing)|wevtutil`, Example: "Cleared Windows event logs"},
	{ID: "T1070", Pattern: `indicator\s+removal|(?:clear|delet|wip|eras|tamper)\w*\s+` + w("3") + `(?:logs|log\s+files)\b`, Example: "Cleared the appliance's logs"},
	{ID: "T1070.004", Pattern: `(?:delet|remov|wip)\w*\s+` + w("2") + `(?:scripts|tools|binaries|web\s?shells|payloads|malware|files)\b[^.;]{0,40}?\b(?:to\s+(?:hide|cover|remove)|after|once)|delet\w*\s+their\s+(?:scripts|tools|files)`, Example: "Deleted their scripts and cleared the logs"},
	{ID: "T1027", Pattern: `obfuscat\w+|encoded\s+payloads?|packed\s+(?:binaries|executables|malware)`, Example: "Heavily obfuscated loaders"},
	{ID: "T1574.001", Pattern: `dll\s+side-?loading|side-?load(?:s|ed|ing)?\s+` + w("2") + `dlls?`, Example: "DLL side-loading through a signed binary"},
	{ID: "T1036", Pattern: `masquerad\w+|disguis\w+\s+as\s+(?:legitimate|a\s+legitimate)`, Example: "Masquerading as a Windows service"},
	{ID: "T1553.002", Pattern: `code[- ]signing\s+certificates?|signed\s+(?:with|using)\s+` + w("3") + `(?:stolen|valid|legitimate|compromised)\s+` + w("1") + `certificates?`, Example: "Signed the installer with the vendor's stolen code-signing certificate"},
	{ID: "T1218.011", Pattern: `rundll32`, Example: "Payloads run with rundll32"},
	{ID: "T1218", Pattern: `living[- ]off[- ]the[- ]land\s+binar\w+|\blolbins?\b|system\s+binary\s+proxy\s+execution`, Example: "Abuse of LOLBins"},
	{ID: "T1014", Pattern: `rootkits?`, Example: "A kernel rootkit"},
	{ID: "T1542.003", Pattern: `bootkits?`, Example: "A UEFI bootkit"},
	// Credential access
	{ID: "T1003.001", Pattern: `\blsass\b|mimikatz`, Example: "Dumped LSASS memory with Mimikatz"},
	{ID: "T1003.003", Pattern: `ntds(?:\.dit)?|ntdsutil`, Example: "Copied NTDS.dit from a domain controller"},
	{ID: "T1003", Pattern: `credential\s+dumping|dump(?:ed|ing|s)?\s+` + w("2") + `credentials`, Example: "Credential dumping on servers"},
	{ID: "T1110.003", Pattern: `password\s+spray\w*`, Example: "Password spraying against Entra ID"},
	{ID: "T1110.004", Pattern: `credential\s+stuffing`, Example: "Credential stuffing against the portal"},
	{ID: "T1110", Pattern: `brute[- ]forc\w+`, Example: "Brute-forcing VPN logins"},
	{ID: "T1621", Pattern: `mfa\s+(?:fatigue|bombing|push\s+(?:spam|bombing))|push\s+(?:notification\s+)?(?:fatigue|bombing|spam)|multi-factor\s+authentication\s+request\s+generation`, Example: "MFA fatigue attacks"},
	{ID: "T1558.003", Pattern: `kerberoast\w*`, Example: "Kerberoasting service accounts"},
	{ID: "T1550.002", Pattern: `pass[- ]the[- ]hash`, Example: "Pass-the-hash lateral movement"},
	{ID: "T1550.001", Pattern: `oauth\s+(?:applications?|apps?|tokens?)|application\s+access\s+tokens?`, Example: "Abuse of a legacy OAuth application"},
	{ID: "T1539", Pattern: `session\s+(?:cookies?|tokens?)\s+(?:theft|hijacking)|(?:steal|captur|harvest|hijack)\w*\s+` + w("2") + `(?:session\s+|browser\s+)?cookies|session\s+hijacking`, Example: "Stealing browser session cookies"},
	{ID: "T1555.003", Pattern: `(?:browser|chrome|firefox)[- ](?:stored\s+|saved\s+)?(?:credentials|passwords)|credentials\s+from\s+(?:web\s+)?browsers`, Example: "Harvested browser-stored passwords"},
	{ID: "T1056.003", Pattern: `web\s+portal\s+capture|(?:modif|alter|tamper|backdoor|inject)\w*\s+` + w("3") + `(?:login|logon|sign-?in|authentication)\s+(?:page|portal|form)s?`, Example: "Modified the appliance's login page to capture credentials"},
	{ID: "T1552.001", Pattern: `credentials\s+in\s+files|(?:plaintext|cleartext|hard-?coded)\s+credentials`, Example: "Found plaintext credentials in scripts"},
	{ID: "T1557", Pattern: `adversary[- ]in[- ]the[- ]middle|man[- ]in[- ]the[- ]middle|\baitm\b`, Example: "An adversary-in-the-middle phishing kit"},
	{ID: "T1040", Pattern: `network\s+sniffing|packet\s+captur\w+|sniff\w*\s+(?:network\s+)?traffic`, Example: "Network sniffing on routers"},
	// Discovery and lateral movement
	{ID: "T1046", Pattern: `network\s+(?:service\s+)?(?:scanning|discovery)|port\s+scan\w*|internal\s+network\s+scans?`, Example: "Internal port scanning"},
	{ID: "T1595.002", Pattern: `vulnerability\s+scann\w+|scann\w+\s+` + w("3") + `for\s+vulnerab\w+|mass[- ]scann\w+`, Example: "Mass-scanning for vulnerable devices"},
	{ID: "T1082", Pattern: `system\s+information\s+discovery|systeminfo`, Example: "Ran systeminfo"},
	{ID: "T1016", Pattern: `ipconfig|netsh|network\s+configuration\s+discovery`, Example: "Network discovery with ipconfig and netsh"},
	{ID: "T1087", Pattern: `account\s+discovery|enumerat\w+\s+` + w("2") + `(?:user\s+|domain\s+)?accounts|\bnet\s+user\b`, Example: "Enumerated domain accounts"},
	{ID: "T1018", Pattern: `remote\s+system\s+discovery|enumerat\w+\s+` + w("2") + `(?:hosts|machines|domain\s+controllers)`, Example: "Enumerated domain controllers"},
	{ID: "T1021.001", Pattern: `(?:via|using|over|through)\s+(?:rdp|remote\s+desktop)|rdp\s+(?:for\s+)?lateral\s+movement|lateral\s+movement\s+` + w("3") + `(?:rdp|remote\s+desktop)`, Example: "Lateral movement over RDP"},
	{ID: "T1021.004", Pattern: `(?:via|using|over|through)\s+ssh\s+(?:for\s+)?(?:lateral|to\s+move)|lateral\s+movement\s+` + w("2") + `(?:over|via|using)\s+ssh|moved?\s+laterally\s+(?:over|via|using|with)\s+ssh`, Example: "Moved laterally over SSH"},
	{ID: "T1021.002", Pattern: `smb(?:/windows)?\s+admin\s+shares|admin\$|windows\s+admin\s+shares`, Example: "Copied files to ADMIN$"},
	{ID: "T1210", Pattern: `exploitation\s+of\s+remote\s+services|exploit\w*\s+[^.;]{0,60}?(?:for|during|to\s+enable)\s+lateral\s+movement|eternalblue`, Example: "EternalBlue for lateral movement"},
	{ID: "T1091", Pattern: `removable\s+(?:media|drives)|usb\s+(?:drives?|sticks?|devices)`, Example: "Spread on USB drives"},
	// Collection and exfiltration
	{ID: "T1114.002", Pattern: `remote\s+email\s+collection|(?:ews|exchange\s+web\s+services|graph\s+api)\s+` + w("3") + `(?:mailbox(?:es)?|e-?mails?)|(?:mailbox(?:es)?|e-?mails?|mail)\s+` + w("3") + `(?:ews|exchange\s+web\s+services|graph\s+api)\b|control\s+(?:of|over)\s+` + w("3") + `(?:mail|e-?mail|exchange)\s+servers?|mailbox\s+exports?|new-mailboxexportrequest|(?:collect|steal|exfiltrat|harvest|export|cop)\w*\s+` + w("3") + `(?:e-?mails?|mailbox(?:es)?|mail)\s+from\s+` + w("3") + `(?:exchange|mail)\s+servers?`, Example: "Gaining control over mail servers"},
	{ID: "T1114", Pattern: `e-?mail\s+collection|(?:steal|exfiltrat|collect|harvest|access|read)\w*\s+` + w("3") + `(?:e-?mails|mailbox(?:es)?|e-?mail\s+(?:content|messages|accounts))`, Example: "Collected emails of senior staff"},
	{ID: "T1114.003", Pattern: `(?:e-?mail\s+)?forwarding\s+rules?|inbox\s+rules?|(?:auto-?)?forward\w*\s+` + w("3") + `(?:messages|e-?mails?|mail)\s+to\s+` + w("2") + `(?:external|attacker|adversary|outside)`, Example: "Created inbox rules that forwarded messages to an attacker-controlled address"},
	{ID: "T1213", Pattern: `(?:data|documents|files)\s+from\s+` + w("2") + `(?:sharepoint|confluence|information\s+repositories|code\s+repositories)`, Example: "Documents from SharePoint sites"},
	{ID: "T1056.001", Pattern: `keylog\w*|keystroke\s+logging`, Example: "A keylogger module"},
	{ID: "T1113", Pattern: `screen\s?(?:captures?|shots?)`, Example: "Took screenshots"},
	{ID: "T1560.001", Pattern: `winrar|7-?zip|\brar\s+archives?`, Example: "Staged data in RAR archives"},
	{ID: "T1560", Pattern: `archiv\w+\s+(?:collected|stolen|staged)\s+data|compress\w*\s+` + w("2") + `(?:data|files)\s+(?:before|for)\s+exfiltration`, Example: "Compressed files before exfiltration"},
	{ID: "T1074", Pattern: `stag(?:ed|ing)\s+` + w("3") + `(?:data|files)\s+(?:in|on|for)`, Example: "Staged data on a file server"},
	{ID: "T1041", Pattern: `exfiltrat\w*\s+` + w("4") + `over\s+(?:the\s+|its\s+)?(?:c2|command[- ]and[- ]control)`, Example: "Exfiltration over the C2 channel"},
	{ID: "T1048", Pattern: `exfiltrat\w*\s+` + w("4") + `over\s+(?:s?ftp|smb|dns|alternative\s+protocols?)`, Example: "Exfiltrated archives over FTP"},
	{ID: "T1567.002", Pattern: `exfiltrat\w*\s+` + w("4") + `to\s+` + w("2") + `(?:cloud\s+storage|mega|dropbox|google\s+drive|onedrive|file[- ]sharing\s+(?:services?|sites?))|rclone`, Example: "Exfiltrated data to MEGA with Rclone"},
	// Command and control
	{ID: "T1219", Pattern: `remote\s+(?:access|monitoring\s+and\s+management|management)\s+(?:software|tools)|\b(?:rmm|anydesk|teamviewer|screenconnect|connectwise|splashtop|atera)\b`, Example: "Installed AnyDesk"},
	{ID: "T1105", Pattern: `ingress\s+tool\s+transfer|download(?:ed|s|ing)?\s+` + w("3") + `(?:additional|second-stage|further)\s+(?:payloads|tools|malware)|(?:second-stage|additional)\s+payloads`, Example: "Downloaded additional payloads"},
	{ID: "T1570", Pattern: `lateral\s+tool\s+transfer|(?:install|deploy|push|spread|distribut|cop(?:y|ie))\w*\s+` + w("3") + `(?:trojans?|malware|backdoors?|implants?|payloads?|tools?|ransomware)\s+(?:onto|to|across|on|over)\s+(?:more\s+than\s+|over\s+|about\s+|some\s+|nearly\s+)?(?:numerous|many|multiple|hundreds\s+of|dozens\s+of|thousands\s+of|\d[\d,]*)\s+` + w("1") + `(?:hosts|machines|endpoints|systems|computers|workstations|servers)`, Example: "Installation of Trojans onto numerous hosts"},
	{ID: "T1090.003", Pattern: `multi-hop\s+prox(?:y|ies)|\btor\s+(?:network|nodes?)|\bvia\s+tor\b`, Example: "Traffic relayed via Tor"},
	{ID: "T1090.004", Pattern: `domain\s+fronting`, Example: "Domain fronting through a CDN"},
	{ID: "T1102.001", Pattern: `dead\s+drop\s+resolvers?|(?:c2|command[- ]and[- ]control)\s+(?:addresses|servers|domains)\s+from\s+` + w("8") + `(?:github|gitlab|repositor(?:y|ies)|pastebin|social\s+media|steam|telegram|youtube)`, Example: "Fetched its C2 addresses from icon files hosted on a public code repository"},
	{ID: "T1090", Pattern: `(?:compromised|hijacked)\s+(?:soho\s+|small[- ]office\s+)?routers?\s+(?:as|for)\s+` + w("2") + `prox(?:y|ies)|\bprox(?:y|ies)\s+(?:networks?|infrastructure|chains?)|botnet\s+of\s+` + w("3") + `routers|operational\s+relay\s+box|\borb\s+networks?`, Example: "A botnet of compromised SOHO routers"},
	{ID: "T1071.004", Pattern: `dns\s+tunnel\w*|over\s+dns\b|dns-based\s+c2`, Example: "DNS tunneling for C2"},
	{ID: "T1071.001", Pattern: `https?\s+(?:for\s+|as\s+)?(?:c2|command[- ]and[- ]control)|web\s+protocols|(?:c2|command[- ]and[- ]control)\s+over\s+https?`, Example: "C2 over HTTPS"},
	{ID: "T1572", Pattern: `protocol\s+tunnel\w+|ssh\s+tunnel\w*|ngrok|chisel`, Example: "SSH tunnels out of the network"},
	{ID: "T1573", Pattern: `encrypted\s+(?:c2|channels?|command[- ]and[- ]control)`, Example: "An encrypted C2 channel"},
	{ID: "T1583.003", Pattern: `(?:leased|rented|acquired|purchased)\s+(?:virtual\s+private\s+servers|vps)|\bvps\s+(?:infrastructure|servers?|hosting)`, Example: "Leased virtual private servers"},
	{ID: "T1583.001", Pattern: `typosquat\w*|(?:registered|register|purchased)\s+` + w("3") + `(?:lookalike|look-alike|spoofed)\s+domains`, Example: "Registered lookalike domains"},
	{ID: "T1608.006", Pattern: `seo\s+poisoning|search\s+engine\s+optimi[sz]ation\s+poisoning`, Example: "SEO poisoning"},
	// Impact
	{ID: "T1486", Pattern: `data\s+encrypted\s+for\s+impact|encrypt(?:s|ed|ing|ion\s+of)?\s+` + w("4") + `(?:files|data|systems|servers|hosts|virtual\s+machines|vms|esxi)\b|ransomware\s+(?:deployment|encryption|payloads?)|deploy(?:ed|s|ing|ment\s+of)?\s+` + w("3") + `ransomware`, Example: "Encrypted files on ESXi hosts"},
	{ID: "T1490", Pattern: `inhibit(?:s|ed|ing)?\s+system\s+recovery|shadow\s+cop(?:y|ies)\s+(?:deletion|removal)|delet(?:e|es|ed|ing|ion\s+of)\s+` + w("3") + `(?:volume\s+)?shadow\s+copies|vssadmin(?:\.exe)?\s+delete|(?:delet|disabl|destroy|wip)\w*\s+` + w("3") + `backups|disabl\w+\s+` + w("2") + `recovery`, Example: "Shadow copy deletion to inhibit system recovery"},
	{ID: "T1485", Pattern: `data\s+destruction|destroy(?:ed|s|ing)?\s+` + w("2") + `data`, Example: "Destroyed data on file servers"},
	{ID: "T1561", Pattern: `disk\s+wip\w+|wip(?:e|es|ed|ing)\s+` + w("3") + `(?:disks?|drives?|mbr|master\s+boot\s+records?)|\bwipers?\b`, Example: "A wiper that overwrote the MBR"},
	{ID: "T1491", Pattern: `defac\w+`, Example: "Defacement of government websites"},
	{ID: "T1498", Pattern: `\bddos\b|distributed\s+denial[- ]of[- ]service|network\s+denial\s+of\s+service`, Example: "DDoS attacks on banks"},
	{ID: "T1496", Pattern: `cryptomin\w+|cryptojack\w+|resource\s+hijacking`, Example: "Cryptomining on cloud hosts"},
	{ID: "T1489", Pattern: `service\s+stop|stop(?:s|ped|ping)?\s+` + w("3") + `services`, Example: "Stopped database services"},
	{ID: "T1657", Pattern: `financial\s+theft|(?:cryptocurrency|crypto)\s+theft|theft\s+of\s+(?:cryptocurrency|crypto|funds)|steal\w*\s+` + w("2") + `(?:cryptocurrency|funds)`, Example: "Theft of cryptocurrency"},
	{ID: "T1656", Pattern: `impersonat\w+\s+` + w("3") + `(?:employees?|staff|executives?|help\s?desk|officials?|it\s+support)`, Example: "Impersonating IT support staff"},
})

// mitigationPhrases maps recommendation wording to ATT&CK mitigations.
var mitigationPhrases = compile([]phrase{
	{ID: "M1051", Pattern: `patch\w*|updat\w+\s+` + w("3") + `(?:software|systems|firmware|servers|devices|applications|appliances)|(?:apply|install)\w*\s+` + w("2") + `(?:security\s+)?updates|upgrade\s+` + w("3") + `(?:supported|fixed|latest)\s+versions?|update\s+software`, Example: "Comprehensive patching of internet-facing services"},
	{ID: "M1032", Pattern: `\bmfa\b|multi-?factor|two-?factor|\b2fa\b|phishing-resistant|\bfido2?\b|hardware\s+(?:security\s+)?keys`, Example: "Enforce phishing-resistant MFA"},
	{ID: "M1030", Pattern: `network\s+segmentation|segment(?:ed|ing)?\s+` + w("3") + `networks?|segregat\w+\s+` + w("2") + `networks?|separat\w+\s+(?:it|ot)\s+(?:from|and)\s+(?:it|ot)`, Example: "Network segmentation between IT and OT"},
	{ID: "M1053", Pattern: `backups?\b|data\s+backup`, Example: "Keep offline, tested backups"},
	{ID: "M1049", Pattern: `antivirus|anti-?malware|\bedr\b|endpoint\s+detection\s+and\s+response|endpoint\s+protection|detect\w*\s+` + w("5") + `(?:malware|trojans?|backdoors?|implants?|ransomware|web\s?shells?)`, Example: "Enhanced detection capabilities for Trojans and backdoors"},
	{ID: "M1017", Pattern: `awareness\s+training|user\s+training|train\w*\s+` + w("3") + `(?:users|staff|employees|personnel|developers|engineers|administrators|help\s?desk)|phishing\s+(?:awareness|simulations?)`, Example: "Train help-desk staff to verify callers"},
	{ID: "M1026", Pattern: `privileged\s+account\s+management|least[- ]privilege|limit\w*\s+` + w("2") + `(?:admin\w*|privileged)\s+(?:accounts|access|rights)|tier(?:ed|-?0)\s+(?:administration|assets?)|\bpam\b|just-in-time\s+(?:admin\w*|access)|(?:secur|harden|protect|lock\w*\s+down|restrict\w*\s+access\s+to)\w*\s+` + w("3") + `(?:software\s+)?(?:upgrade|update|deployment|distribution)\s+(?:management\s+)?(?:servers?|systems?|tools?)`, Example: "Apply least privilege to service accounts"},
	{ID: "M1042", Pattern: `disabl\w+\s+` + w("3") + `(?:unused|unnecessary|unneeded|legacy)\s+` + w("2") + `(?:services|features|protocols|ports)|remov\w+\s+` + w("2") + `(?:unused|unnecessary)\s+(?:software|features|programs)|disable\s+(?:macros|smbv1|ntlm)`, Example: "Disable unused services and legacy protocols"},
	{ID: "M1021", Pattern: `restrict\s+web-based\s+content|block\w*\s+` + w("3") + `(?:attachments|file\s+types|macros\s+from\s+the\s+internet)|e-?mail\s+(?:filtering|gateways?)|(?:web|url|dns)\s+filtering`, Example: "Block ISO and LNK attachments at the email gateway"},
	{ID: "M1047", Pattern: `\baudit\w*|inventor(?:y|ies)|review\w*\s+` + w("3") + `(?:logs|permissions|accounts|configurations?|rights)`, Example: "Inventory management for document systems"},
	{ID: "M1016", Pattern: `vulnerability\s+(?:scanning|scans|management|assessments?)|scan\w*\s+` + w("3") + `for\s+` + w("2") + `vulnerab\w+`, Example: "Continuous vulnerability scanning"},
	{ID: "M1027", Pattern: `password\s+polic\w+|strong\s+(?:unique\s+)?passwords|password\s+(?:complexity|rotation|length)|(?:rotate|reset|change)\w*\s+` + w("3") + `(?:passwords|credentials)`, Example: "Reset all domain passwords"},
	{ID: "M1038", Pattern: `application\s+(?:allow|white)list\w*|execution\s+prevention|application\s+control|\bwdac\b|applocker`, Example: "Application allowlisting on servers"},
	{ID: "M1045", Pattern: `code\s+signing`, Example: "Code signing for internal builds"},
	{ID: "M1035", Pattern: `limit\s+access\s+to\s+resource\s+over\s+network|restrict\w*\s+` + w("2") + `(?:access\s+to|exposure\s+of)\s+` + w("3") + `(?:rdp|remote\s+desktop|management\s+interfaces|smb|admin\w*\s+interfaces)|(?:not|never)\s+expos\w+\s+` + w("3") + `to\s+the\s+internet|restrict\w*\s+(?:rdp|remote\s+desktop|smb|ssh|winrm)\b`, Example: "Restrict access to management interfaces"},
	{ID: "M1037", Pattern: `filter\s+network\s+traffic|firewall\s+(?:rules|policies)|egress\s+filtering|block\w*\s+` + w("3") + `(?:ip\s+addresses|ips|traffic|ports|indicators|iocs|c2\s+domains|domains)`, Example: "Block the listed IP addresses and domains"},
	{ID: "M1031", Pattern: `network\s+intrusion\s+prevention|intrusion\s+prevention|\bips\b`, Example: "Network intrusion prevention signatures"},
	{ID: "M1041", Pattern: `encrypt\w*\s+` + w("3") + `(?:sensitive|stored|at\s+rest|backups)`, Example: "Encrypt sensitive data at rest"},
	{ID: "M1018", Pattern: `user\s+account\s+management|(?:disable|remove|deactivat)\w*\s+` + w("2") + `(?:inactive|stale|dormant|unused)\s+accounts`, Example: "Disable dormant accounts"},
	{ID: "M1020", Pattern: `(?:ssl/)?tls\s+inspection|ssl\s+inspection`, Example: "TLS inspection at the proxy"},
	{ID: "M1019", Pattern: `threat\s+intelligence\s+(?:program|feeds?|sharing)`, Example: "Subscribe to threat intelligence sharing"},
	{ID: "M1050", Pattern: `exploit\s+(?:protection|mitigation)|attack\s+surface\s+reduction`, Example: "Enable attack surface reduction rules"},
	{ID: "M1028", Pattern: `operating\s+system\s+configuration|harden\w*\s+` + w("2") + `(?:operating\s+systems?|endpoints|hosts|servers|workstations)|secure\s+baselines?`, Example: "Harden Windows servers"},
	{ID: "M1015", Pattern: `active\s+directory\s+configuration|(?:harden|secur)\w*\s+` + w("2") + `active\s+directory|\blaps\b`, Example: "Harden Active Directory"},
	{ID: "M1054", Pattern: `software\s+configuration|\bdmarc\b|\bdkim\b`, Example: "Enforce DMARC"},
	{ID: "M1040", Pattern: `behavior\s+prevention|behaviou?r(?:al)?\s+(?:blocking|prevention)`, Example: "Behavioral blocking on endpoints"},
	{ID: "M1043", Pattern: `credential\s+access\s+protection|credential\s+guard|lsa\s+protection|runasppl`, Example: "Turn on Credential Guard"},
	{ID: "M1022", Pattern: `restrict\s+file\s+and\s+directory\s+permissions|file\s+(?:system\s+)?permissions`, Example: "Tighten file system permissions"},
	{ID: "M1057", Pattern: `data\s+loss\s+prevention|\bdlp\b`, Example: "Data loss prevention rules"},
	{ID: "M1036", Pattern: `account\s+use\s+polic\w+|account\s+lockout|conditional\s+access`, Example: "Conditional access policies"},
	{ID: "M1033", Pattern: `limit\s+software\s+installation|(?:restrict|prevent|block)\w*\s+` + w("2") + `(?:users\s+from\s+)?install\w*\s+` + w("2") + `(?:software|applications|remote\s+access\s+tools)|(?:block|prevent|restrict)\w*\s+` + w("2") + `(?:remote\s+access|rmm|unapproved|unauthori[sz]ed)\s+` + w("2") + `(?:tools|software)`, Example: "Prevent users from installing remote access tools"},
	{ID: "M1048", Pattern: `sandbox\w*|application\s+isolation`, Example: "Open attachments in a sandbox"},
	{ID: "M1052", Pattern: `user\s+account\s+control|\buac\b`, Example: "Set UAC to always notify"},
	{ID: "M1046", Pattern: `boot\s+integrity|secure\s+boot`, Example: "Enable Secure Boot"},
	{ID: "M1029", Pattern: `remote\s+data\s+storage|(?:centrali[sz]\w*|forward\w*)\s+` + w("2") + `logs`, Example: "Centralise logs off the hosts"},
	{ID: "M1034", Pattern: `limit\s+hardware\s+installation|usb\s+(?:device\s+)?control|block\w*\s+` + w("2") + `usb`, Example: "USB device control"},
})

// table is a compiled phrase table.
type table struct{ rules []phrase }

func compile(ps []phrase) table {
	for i := range ps {
		ps[i].re = regexp.MustCompile(`(?i)` + ps[i].Pattern)
	}
	return table{rules: ps}
}

// match is one rule that fired on a line, with the text it matched.
type match struct {
	ID     string
	Phrase string
}

// suggest returns the IDs the rules suggest for one line, in table order,
// each with the matched text. A parent technique is dropped when one of its
// sub-techniques matched the same line.
func suggest(t table, line string) []match {
	var out []match
	for _, p := range t.rules {
		if loc := p.re.FindStringIndex(line); loc != nil {
			out = append(out, match{ID: p.ID, Phrase: strings.TrimSpace(line[loc[0]:loc[1]])})
		}
	}
	kept := out[:0]
	for _, m := range out {
		child := false
		for _, o := range out {
			if strings.HasPrefix(o.ID, m.ID+".") {
				child = true
				break
			}
		}
		if !child {
			kept = append(kept, m)
		}
	}
	return kept
}
